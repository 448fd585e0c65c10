from feat import *
import time
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]
P=profile(Xtr)
todtr=np.arange(TR)%288; todte=np.arange(TR,T)%288
# CV sets
FS={};
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]])
    F,B=build(Xtr,P,todtr,t,cand); FS[t]=(F,B,Xtr[:,t])
TE={t:build(Xte,P,todte,t,obs)+(Xte[:,t],) for t in hid}
TRF={t:build(Xtr,P,todtr,t,np.array([j for j in obs if j!=t])) for t in obs}  # not used
def stack(ts,S):
    F=np.concatenate([S[t][0] for t in ts]); B=np.concatenate([S[t][1] for t in ts]); y=np.concatenate([S[t][2] for t in ts]); return F,B,y
print('B only cv', np.mean([np.abs(FS[t][1]-FS[t][2]).mean() for t in obs]), 'test', np.mean([np.abs(TE[t][1]-TE[t][2]).mean() for t in hid]))
def lin(F,y,lam=1.0):
    A=np.c_[F,np.ones(len(y))]; return np.linalg.solve(A.T@A/len(y)+lam*np.eye(A.shape[1]), A.T@y/len(y))
def linp(b,F): return np.c_[F,np.ones(len(F))]@b
for model in sys.argv[2:] if len(sys.argv)>2 else ['lin','mlp']:
    t0=time.time(); errs=[]
    for k in range(nf):
        trn=[t for t in obs if fold[t]!=k]; tst=[t for t in obs if fold[t]==k]
        F,B,y=stack(trn,FS); Ft,Bt,yt=stack(tst,FS)
        mu=F.mean(0); sd=F.std(0)+1e-6
        if model=='lin': b=lin(F,y-B,0.01); pr=Bt+linp(b,Ft)
        else:
            m=MLP(F.shape[1]).fit((F-mu)/sd,y-B,epochs=4); pr=Bt+m.pred((Ft-mu)/sd)
        errs.append(np.abs(pr-yt))
    cvm=np.mean(np.concatenate(errs))
    F,B,y=stack(list(obs),FS); Ft,Bt,yt=stack(hid,TE); mu=F.mean(0); sd=F.std(0)+1e-6
    if model=='lin': b=lin(F,y-B,0.01); pr=Bt+linp(b,Ft)
    else: m=MLP(F.shape[1]).fit((F-mu)/sd,y-B,epochs=4); pr=Bt+m.pred((Ft-mu)/sd)
    print(model,'cv',round(cvm,3),'test',round(np.mean(np.abs(pr-yt)),3), round(time.time()-t0,1),'s')
